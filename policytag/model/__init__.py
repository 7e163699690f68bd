"""What a registered model carries besides its fitted weights: tokenisers, encoders, the pyfunc."""
