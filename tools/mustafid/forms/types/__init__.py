"""Field types, one module per type or family of types; ``registry.TYPES`` finds them by name."""
