from django.urls import path, register_converter

from . import views
from .converters import UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"
urlpatterns = [
    path("", views.FrontPageView.as_view(), name="index"),
    path("rubrique/<uslug:slug>/", views.SectionView.as_view(), name="section"),
    path("sujet/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("auteur/<uslug:slug>/", views.AuthorView.as_view(), name="author"),
    path("apercu/<str:token>/", views.shared_preview, name="shared_preview"),
    path("<int:year>/<int:month>/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
