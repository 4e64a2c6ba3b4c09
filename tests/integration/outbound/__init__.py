"""Tests of floor/outbound/ against a database."""
