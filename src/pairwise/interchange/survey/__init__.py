"""The spring feedback survey: the form (`pairwise survey`) and reading its answers back."""
