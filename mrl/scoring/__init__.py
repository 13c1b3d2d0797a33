"""Scoring: the scorer contract, transforms and weighted means (`core`), the benchmark tasks (`objectives`), the budgeted oracle (`oracle`), external programs and docking (`external`)."""
