from typing import Any

from allauth.account.forms import ReauthenticateForm


class AccountDeleteForm(ReauthenticateForm):
    """Deleting is final, and a signed-in browser may not be its owner's (a shared computer, a
    stolen cookie): the person types their password. allauth checks it, counting a wrong one
    against its failed-login limits, so the form cannot be used to guess passwords.

    An account without a usable password (signed up with GitHub) has nothing to type: the view
    makes it re-authenticate through allauth first (a code sent to its verified address), and
    this form then only asks for the click."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.user.has_usable_password():
            self.fields["password"].label = "Your password, to confirm"
        else:
            del self.fields["password"]
