"""Tests of floor/outbound/ without a database."""
