"""Templates a newcomer can fill (issue 11, finding 6): nothing in a template is imported by
mistake, its example is valid for the user who downloads it, ID and phone columns keep their
digits, and every value written is text, never a live formula."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from beneficiaries.models import Beneficiary
from organizations.models import Membership
from spreadsheets.importer import import_sheet
from spreadsheets.resources import RESOURCES, get_resource
from tests.factories import BeneficiaryFactory, OrganizationFactory, TrainingSessionFactory, UserFactory

from .helpers import write_xlsx
from .test_rejections import TEMPLATE_HEADERS

pytestmark = pytest.mark.django_db


def template(client, name):
    response = client.get(reverse("spreadsheets:template", args=[name]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_beneficiaries_template_header_notes_and_dropdowns(admin_a, org_a, client_for):
    workbook = template(client_for(admin_a), "beneficiaries")
    assert workbook.sheetnames == ["服务对象", "填写说明", "选项"]
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == TEMPLATE_HEADERS
    assert sheet.max_row == 1  # the header only: the example is never imported by mistake
    formulas = {str(dv.sqref)[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    # 性别, 所属镇街, 服务对象类别, 重点关爱, 负责组织, 同意方式 have lists
    assert set(formulas) == {"B", "E", "H", "I", "K", "N"}
    options = workbook["选项"]
    assert options.sheet_state == "hidden"
    assert [options.cell(row=r, column=11).value for r in range(2, 4)] == [org_a.name, None]
    notes = workbook["填写说明"]
    explained = {notes.cell(row=r, column=1).value: notes.cell(row=r, column=2).value for r in range(8, 20)}
    assert explained["身份证号"].startswith("必填") and "文本格式" in explained["身份证号"]
    assert "最早的走访日期" in explained["列入重点关爱日期"]


@pytest.mark.parametrize("name", ["beneficiaries", "visits", "attendance", "organizations"])
def test_identity_and_phone_columns_are_text_and_wide(name, staff, client_for):
    workbook = template(client_for(staff), name)
    sheet = workbook.worksheets[0]
    headers = {cell.value: cell.column_letter for cell in sheet[1]}
    text_columns = [h for h in ("身份证号", "联系电话", "统一社会信用代码") if h in headers]
    assert text_columns
    for header in text_columns:
        dimension = sheet.column_dimensions[headers[header]]
        assert dimension.number_format == "@", header
        assert dimension.width >= (20 if header != "联系电话" else 14), header


def copy_example_into_data_sheet(workbook, path):
    """What a newcomer does: copy row 5 of 填写说明 under the header of the first sheet."""
    notes = workbook["填写说明"]
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    example = [notes.cell(row=5, column=i).value for i in range(1, len(headers) + 1)]
    return write_xlsx(path, headers, [example])


@pytest.mark.parametrize("name", list(RESOURCES))
def test_the_example_is_valid_for_whoever_downloads_it(name, staff, admin_a, org_a, client_for, tmp_path):
    """For staff and for an organization admin, the example row imports cleanly as it is
    (today's dates, the user's organization, a town that exists); the untouched template imports
    nothing.  Visits and attendance name a person and a training, which must exist first."""
    today = timezone.localdate()
    BeneficiaryFactory(organization=org_a, id_number="330283195806150026")
    TrainingSessionFactory(organization=org_a, title="母婴护理培训第1期", date=today)
    users = [staff] if name == "organizations" else [staff, admin_a]
    for user in users:
        workbook = template(client_for(user), name)
        notes = workbook["填写说明"]
        headers = [cell.value for cell in workbook.worksheets[0][1]]
        example = dict(zip(headers, [notes.cell(row=5, column=i).value for i in range(1, len(headers) + 1)]))
        for header, value in example.items():
            if "日期" in header and value and header not in ("开始日期", "结束日期", "成立日期"):
                assert value == today.isoformat(), (name, header, value)
        if name != "organizations":
            organization = next(
                v for h, v in example.items() if h in ("负责组织", "走访组织", "承接组织", "主办组织", "承办组织")
            )
            assert organization == org_a.name, (name, user)
        path = copy_example_into_data_sheet(workbook, tmp_path / f"{name}.xlsx")
        result = import_sheet(get_resource(name), path, user=user, dry_run=True)
        if name == "projects" and user == admin_a:
            # Only staff create projects (projects/rules.py): the admin's sheet may not either.
            assert result.errors == [[2, "承接组织", "只有妇联工作人员可以新建公益项目。"]]
        else:
            assert result.errors == [] and result.total == 1, (name, user, result.errors)
        untouched = tmp_path / "untouched.xlsx"
        workbook.save(untouched)
        with pytest.raises(Exception, match="没有数据行"):
            import_sheet(get_resource(name), untouched, user=user, dry_run=True)


def test_every_value_written_is_text_never_a_formula(client_for, tmp_path):
    """An organization named like a formula appears as text in the options sheet and in the
    example row (an admin of that organization downloads the template), and reads back as the
    organization's name."""
    evil = OrganizationFactory(name='=HYPERLINK("http://x","y")')
    admin = UserFactory(role="member")
    Membership.objects.create(user=admin, organization=evil, role="admin")
    workbook = template(client_for(admin), "beneficiaries")
    option = workbook["选项"].cell(row=2, column=11)
    assert (option.data_type, option.value) == ("s", '\'=HYPERLINK("http://x","y")')
    example = workbook["填写说明"].cell(row=5, column=11)
    assert (example.data_type, example.value) == ("s", '\'=HYPERLINK("http://x","y")')
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title
    path = copy_example_into_data_sheet(workbook, tmp_path / "evil.xlsx")
    result = import_sheet(get_resource("beneficiaries"), path, user=admin, dry_run=False)
    assert result.saved, result.errors
    assert Beneficiary.objects.get().organization == evil
