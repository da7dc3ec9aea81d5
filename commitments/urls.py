app_name = "commitments"

urlpatterns: list = []
