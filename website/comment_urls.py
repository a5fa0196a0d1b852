from django.urls import path

from . import comment_views as views

app_name = "comments"
urlpatterns = [
    path("<int:article_id>/", views.PostCommentView.as_view(), name="post"),
    path("<int:article_id>/jetons/", views.form_tokens, name="tokens"),
]
