from django import forms


class AccountDeleteForm(forms.Form):
    """Deleting is final, so the person types their own email address to confirm it."""

    confirm_email = forms.EmailField(
        label="Type your email address to confirm",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._email = email

    def clean_confirm_email(self) -> str:
        typed = self.cleaned_data["confirm_email"]
        if typed.strip().lower() != self._email.lower():
            raise forms.ValidationError("That is not the email address of this account.")
        return typed
