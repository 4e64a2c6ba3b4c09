"""Label rendering from plain data: shipping, SSCC, LPN, location, item, kit and packing slips."""
