"""The supervisor board's domain: read models of the live floor and the supervisor's actions.

`BoardReader` (model.py) keeps one board's figures for the shift and reads only what changed
at each refresh; `actions.py` holds what a supervisor does from the board, each checked for
the supervisor role. No Textual here: the screen is floor/screens/board.py. The board reads
stock, inbound and outbound alike, which is why it is a package of its own above them.
"""
