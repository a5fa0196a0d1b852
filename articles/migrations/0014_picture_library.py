"""Lead images become pictures of the library: each article's file, size, alt text,
caption, credit and renditions move to a Picture it leads, with nothing lost; reversing
the migration puts them back. The old fields go in 0015, once the copy is done (schema
and data changes on one table do not mix in one PostgreSQL transaction)."""

import django.db.models.deletion
from django.db import migrations, models


def to_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Picture = apps.get_model("pictures", "Picture")
    by_file: dict = {}
    with_image = Article.objects.exclude(lead_image="").order_by("pk")
    for article in with_image.iterator(chunk_size=500):
        # Articles sharing a file and its words share a picture; the same file described
        # differently becomes one picture per description, so no word is lost.
        key = (
            article.lead_image.name,
            article.lead_image_alt,
            article.lead_image_caption,
            article.lead_image_credit,
        )
        picture = by_file.get(key)
        if picture is None:
            picture = Picture.objects.create(
                file=article.lead_image.name,
                width=article.lead_image_width,
                height=article.lead_image_height,
                alt=article.lead_image_alt,
                caption=article.lead_image_caption,
                credit=article.lead_image_credit,
                renditions=article.lead_image_renditions,
                uploaded_by_id=article.created_by_id,
            )
            # Uploaded when its article was written, not on the day of the migration.
            Picture.objects.filter(pk=picture.pk).update(created_at=article.created_at)
            by_file[key] = picture
        Article.objects.filter(pk=article.pk).update(lead_picture=picture)


def from_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    leading = Article.objects.filter(lead_picture__isnull=False).select_related("lead_picture")
    for article in leading.iterator(chunk_size=500):
        picture = article.lead_picture
        Article.objects.filter(pk=article.pk).update(
            lead_image=picture.file.name,
            lead_image_width=picture.width,
            lead_image_height=picture.height,
            lead_image_alt=picture.alt,
            lead_image_caption=picture.caption,
            lead_image_credit=picture.credit,
            lead_image_renditions=picture.renditions,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0013_body_tables_help'),
        ('pictures', '0001_picture_library'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='lead_picture',
            field=models.ForeignKey(blank=True, help_text='Shown at the top of the article and on its cards.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lead_of', to='pictures.picture', verbose_name='lead picture'),
        ),
        migrations.CreateModel(
            name='ArticlePicture',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='articles.article')),
                ('picture', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='pictures.picture')),
            ],
            options={
                'verbose_name': 'picture in the body',
                'verbose_name_plural': 'pictures in the body',
            },
        ),
        migrations.AddField(
            model_name='article',
            name='body_pictures',
            field=models.ManyToManyField(blank=True, editable=False, related_name='in_body_of', through='articles.ArticlePicture', to='pictures.picture'),
        ),
        migrations.AddConstraint(
            model_name='articlepicture',
            constraint=models.UniqueConstraint(fields=('article', 'picture'), name='picture_once_per_body'),
        ),
        migrations.RunPython(to_library, from_library),
    ]
