"""The event compilers: one module per kind of function event (or family of kinds), named after the
framework's package/compile/events files; `base` is what they share."""
