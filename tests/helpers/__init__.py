"""What test modules share. A test module never imports another test module: what two of
them need lives here (or in a conftest.py for fixtures)."""
