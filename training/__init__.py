"""Building theme classifiers: data → models → cross-validation → MLflow registry."""
