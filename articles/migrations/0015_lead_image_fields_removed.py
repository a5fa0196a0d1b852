"""The lead image's own fields, now held by the article's lead picture (0014)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_picture_library"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='article',
            name='lead_image',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image_alt',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image_caption',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image_credit',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image_height',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image_renditions',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image_width',
        ),
    ]
