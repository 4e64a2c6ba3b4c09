"""Tests of floor/inbound/ against a database."""
