"""The HTTP API an order system or ERP talks to (`floor api`).

Orders and purchase orders in, through the importers' own checks; order status, stock,
the ledger's movements and shipments out; webhooks from the outbox (floor/outbox.py).
The domain never imports this package: it is a caller of the services like the screens
and the commands are. See docs/api.md.
"""
