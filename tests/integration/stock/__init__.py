"""Tests of floor/stock/ against a database."""
