"""The coaching network across years: NetworkX metrics and rotation history."""
