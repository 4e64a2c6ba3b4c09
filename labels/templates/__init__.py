"""One module per label template; each has `layout(data, size, captions) -> list[Page]`."""
