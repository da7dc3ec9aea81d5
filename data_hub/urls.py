app_name = "data_hub"

urlpatterns: list = []
