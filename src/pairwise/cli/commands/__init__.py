"""One module per `pairwise` command; each exposes a click `command`."""
