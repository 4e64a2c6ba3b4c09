"""Tests of floor/planning/ without a database."""
