"""The outbox and the one email function: work is recorded with the change that causes it (a
rolled-back change leaves none), runs after commit, survives a broker that is down without
failing or slowing the caller, and every email is sent once however often it is relayed."""

import time

import pytest
from django.db import transaction

from core import mail, outbox
from core.models import Email, OutboxMessage
from fenghua_portal.celery import app
from tests.conftest import point_celery_at
from tests.faults.proxy import TcpProxy

pytestmark = pytest.mark.django_db(transaction=True)


def welcome(key="welcome:1", to=("a@example.cn",)):
    return mail.send_email(key=key, to=to, subject="【兰馨HUI】欢迎", body="请设置密码：" + mail.absolute_url("/x/"))


def test_an_email_is_sent_after_commit_once_with_an_absolute_link(mailoutbox, settings):
    settings.SITE_URL = "https://lanxin.example.cn/"
    with transaction.atomic():
        welcome()
        assert mailoutbox == []  # not before the commit
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["a@example.cn"]
    assert "请设置密码：https://lanxin.example.cn/x/" in mailoutbox[0].body
    email = Email.objects.get()
    assert email.sent_at is not None and email.body == ""  # the mailbox has it; the portal need not
    assert OutboxMessage.objects.get().status == "sent"

    # The same key again (a task run twice, a second beat): nothing more.
    welcome()
    # The same delivery relayed twice: nothing more either.
    assert mail.deliver(email.pk) is False
    assert len(mailoutbox) == 1 and Email.objects.count() == 1


def test_a_rolled_back_change_sends_nothing(mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        welcome()
        raise RuntimeError("the change failed")
    assert mailoutbox == [] and not Email.objects.exists() and not OutboxMessage.objects.exists()


def test_a_key_pending_twice_is_one_message():
    with transaction.atomic():
        first = outbox.enqueue("fenghua_portal.ping", key="ping:1")
        second = outbox.enqueue("fenghua_portal.ping", key="ping:1")
        other = outbox.enqueue("fenghua_portal.ping", key="ping:2")
        # Relaying happens after commit: still pending here.
        assert first.pk == second.pk != other.pk
        assert OutboxMessage.objects.filter(status="pending").count() == 2
    assert OutboxMessage.objects.filter(status="sent").count() == 2


@pytest.fixture
def broker_down(settings):
    """The portal's broker stops answering (a proxy that stalls: the worst case)."""
    proxy = TcpProxy("127.0.0.1", 1, mode="stall")
    url = f"redis://127.0.0.1:{proxy.port}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    previous = app.conf.broker_url
    point_celery_at(app, url)
    outbox._state["broker_down_until"] = 0.0
    yield proxy
    point_celery_at(app, previous)
    app.conf.result_backend = settings.CELERY_RESULT_BACKEND
    proxy.close()
    outbox._state["broker_down_until"] = 0.0


def test_with_the_broker_down_nothing_fails_nothing_waits_and_the_work_is_kept(broker_down, mailoutbox):
    started = time.monotonic()
    with transaction.atomic():
        welcome()
    assert time.monotonic() - started < 0.5  # the publish happens in the background
    assert Email.objects.get().sent_at is None

    # The background publish gave up (socket timeouts); the message waits with a backoff.
    def attempted():
        return OutboxMessage.objects.filter(attempts=1).first()

    deadline = time.monotonic() + 30
    while not attempted() and time.monotonic() < deadline:
        time.sleep(0.2)
    message = attempted()
    assert message is not None and message.status == "pending" and message.last_error
    assert message.next_attempt_at > message.created_at
    # This process leaves the broker alone for a while: the next change does not even try.
    with transaction.atomic():
        welcome(key="welcome:2")
    assert OutboxMessage.objects.get(key__endswith=str(Email.objects.get(key="welcome:2").pk)).attempts == 0
    assert outbox.backlog()[0] == 2 and mailoutbox == []


def test_backoff_grows_and_is_capped(settings):
    settings.OUTBOX_MAX_BACKOFF_SECONDS = 60
    assert [outbox.backoff(n) for n in (1, 2, 3, 6, 7, 20)] == [2, 4, 8, 60, 60, 60]


@pytest.mark.redis
@pytest.mark.postgres
def test_the_beat_relay_publishes_what_waited_and_a_real_worker_runs_it(start_worker, tmp_path):
    from core.tasks import relay_outbox

    mail_dir = tmp_path / "mail"
    start_worker(
        env={"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)}
    )
    outbox._state["broker_down_until"] = time.monotonic() + 600  # as if the broker had just failed
    try:
        with transaction.atomic():
            email = welcome()
        assert OutboxMessage.objects.get().status == "pending"  # nothing tried after commit
    finally:
        outbox._state["broker_down_until"] = 0.0
    assert relay_outbox() == 1  # what beat runs every OUTBOX_RELAY_SECONDS
    assert OutboxMessage.objects.get().status == "sent"
    deadline = time.monotonic() + 30
    while Email.objects.get(pk=email.pk).sent_at is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Email.objects.get(pk=email.pk).sent_at is not None
    assert len(list(mail_dir.glob("*.log"))) == 1
