"""`floor simulate`: virtual stations driving the real services against the configured
database, to see the floor (and the supervisor board) under load and to measure it.

stations.py: the kinds of virtual station (receiver, picker, counter, supervisor) and
`register_kind`; pack_ship.py: packer and shipper, registered the same way; runner.py:
threads, processes, timing, the report and the ledger invariants at the end.
"""
