import factory
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts.models import User

DEFAULT_PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        # UserFactory(verified_email=False) makes someone who has not confirmed their email yet.
        if create:
            self.save()
            EmailAddress.objects.create(
                user=self, email=self.email, verified=extracted is not False, primary=True
            )


class GitHubSocialAccountFactory(factory.django.DjangoModelFactory):
    """A GitHub login connected through allauth, as its callback stores it."""

    class Meta:
        model = SocialAccount

    user = factory.SubFactory(UserFactory)
    provider = "github"
    uid = factory.Sequence(lambda n: str(1000 + n))
    extra_data = factory.LazyAttribute(
        lambda o: {"id": int(o.uid), "login": f"octo{o.uid}", "html_url": "https://github.com"}
    )
