"""Tests of floor/stock/ without a database."""
