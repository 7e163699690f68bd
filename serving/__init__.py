"""The FastAPI service: tags reports with the registered champion, stores them, reports coverage."""
