"""Search by pinyin initials reads the prefix index; search by part of a name reads the trigram
index that migration 0008 creates on PostgreSQL (and that does nothing on SQLite)."""

import pytest
from django.db import connection

from beneficiaries.models import Beneficiary
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def test_initials_search_is_a_prefix_of_the_initials_only(org_a):
    wang = BeneficiaryFactory(name="王秀英", organization=org_a)
    BeneficiaryFactory(name="王桂英", organization=org_a)
    where = str(Beneficiary.objects.search("wxy").order_by().query).upper().split(" WHERE ", 1)[1]
    assert "NAME_INITIALS" in where and "UPPER" not in where and '"NAME"' not in where
    assert list(Beneficiary.objects.search("WXY")) == [wang]


def test_name_search_finds_part_of_a_name(org_a):
    wang = BeneficiaryFactory(name="王秀英", organization=org_a)
    BeneficiaryFactory(name="李美华", organization=org_a)
    assert list(Beneficiary.objects.search("秀英")) == [wang]
    assert list(Beneficiary.objects.search(wang.id_number[-4:])) == [wang]
    assert list(Beneficiary.objects.search(wang.phone[-5:])) == [wang]


def _plan(sql, params):
    with connection.cursor() as cursor:
        # A small test table: ask whether an index can answer the condition itself (a bitmap
        # scan needs an index condition; a full scan of any index would merely filter).
        for method in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_the_trigram_migration_made_its_index_and_searches_use_the_indexes(org_a):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'beneficiary_name_trgm'")
        (definition,) = cursor.fetchone()
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
    assert "gin" in definition and "gin_trgm_ops" in definition
    for _n in range(30):
        BeneficiaryFactory(organization=org_a)
    wang = BeneficiaryFactory(name="王秀英", organization=org_a)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE beneficiaries_beneficiary")
    by_name = Beneficiary.objects.search("王秀英").order_by().values("pk")
    assert "beneficiary_name_trgm" in _plan(*by_name.query.sql_with_params())
    by_initials = Beneficiary.objects.search("wxy").order_by().values("pk")
    assert "Seq Scan" not in _plan(*by_initials.query.sql_with_params())
    assert list(Beneficiary.objects.search("王秀英")) == [wang]
    assert list(Beneficiary.objects.search("wxy")) == [wang]
