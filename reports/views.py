"""Views; see urls.py."""
