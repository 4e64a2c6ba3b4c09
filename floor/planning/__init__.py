"""Planning: demand history, forecasts, reorder levels and purchase orders from them.

A back-office package above stock and inbound (it reads the ledger's postings and writes
purchase orders that receiving works against); no Textual, no reportlab.

- `history`: units shipped per item, warehouse and day from the ledger, returns netted.
- `forecast`: Croston/SBA, exponential smoothing, seasonal naive, MASE; pure Python.
- `engines`: the built-in methods or the optional statsforecast extra.
- `item_forecasts`: each item's forecast for a warehouse, with its backtest.
- `levels`: safety stock, reorder point, order-up-to level, order quantity (pure).
- `suggestions`: reorder suggestions per item for a warehouse, and computed reorder points.
- `purchasing`: accepted suggestions turned into purchase orders, one per supplier.
- `low_stock`: items under their reorder point (typed or computed), for the board and alerts.
"""
