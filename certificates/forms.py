from django import forms
from django.utils.translation import gettext_lazy as _

MAX_CREDENTIAL_BYTES = 64 * 1024


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("Printed on the certificate as XXXX-XXXX-XXXX-X. Upper or lower case."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"}),
    )


class SurnameForm(forms.Form):
    surname = forms.CharField(
        label=_("Officer's surname"),
        max_length=150,
        help_text=_("To see the full name, type the officer's surname as on their identity documents."),
    )


class CredentialForm(forms.Form):
    credential = forms.CharField(
        label=_("Paste the credential (signed JWT)"),
        required=False,
        max_length=MAX_CREDENTIAL_BYTES,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr", "spellcheck": "false"}),
    )
    credential_file = forms.FileField(label=_("…or upload the credential file"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("credential_file")
        if upload:
            if upload.size > MAX_CREDENTIAL_BYTES:
                raise forms.ValidationError(_("This file is too large to be a credential."))
            try:
                data["credential"] = upload.read().decode("utf-8").strip()
            except UnicodeDecodeError as error:
                raise forms.ValidationError(_("This file is not a text credential (a signed JWT).")) from error
        if not (data.get("credential") or "").strip():
            raise forms.ValidationError(_("Paste a credential or choose a file."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit trail and shown on the public verification page."),
    )
