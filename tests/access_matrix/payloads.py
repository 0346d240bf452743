"""Valid POST payloads shared by the access matrix (files are made anew for every POST)."""

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="协议.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, "application/pdf")


def town_id():
    from tests.factories import town

    return town().pk
