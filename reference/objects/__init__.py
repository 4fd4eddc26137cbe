"""One module per object type: what it is keyed on, which way it flows, how it is read and written."""
