"""VM snapshots: tree, create with or without memory, revert, delete, delta space."""
