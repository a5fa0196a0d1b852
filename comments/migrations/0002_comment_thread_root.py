import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def fill_thread_roots(apps, schema_editor):
    """Every reply gets its conversation's top-level comment, one level at a time."""
    Comment = apps.get_model("comments", "Comment")
    Comment.objects.filter(parent__isnull=False, parent__parent__isnull=True).update(
        thread_root=F("parent")
    )
    parent_root = Comment.objects.filter(pk=OuterRef("parent")).values("thread_root")[:1]
    while Comment.objects.filter(
        thread_root__isnull=True, parent__thread_root__isnull=False
    ).update(thread_root=Subquery(parent_root)):
        pass


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="thread_root",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="comments.comment",
                verbose_name="conversation",
            ),
        ),
        migrations.RunPython(fill_thread_roots, migrations.RunPython.noop),
    ]
