import pytest


@pytest.fixture
def bearer():
    """bearer(user, name="手机") -> headers carrying a fresh token of that user."""
    from accounts.services import api_token_create

    def make(user, name="手机"):
        _token, raw = api_token_create(user=user, name=name)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make
