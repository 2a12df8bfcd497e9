"""Several years at once: a rotation with no pair repeated, then each year solved."""
