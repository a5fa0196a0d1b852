"""Small WordPress exports (WXR 1.2) written in code for the import tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

SITE = "https://blog.example.org"


def cdata(text: str) -> str:
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class WPComment:
    id: int
    text: str = "Très juste."
    parent: int = 0
    approved: str = "1"
    type: str = ""
    date: str = "2024-05-15 09:00:00"
    date_gmt: str = "2024-05-15 07:00:00"
    author: str = "Camille"
    email: str = "camille@example.org"
    url: str = ""

    def xml(self) -> str:
        return f"""
    <wp:comment>
      <wp:comment_id>{self.id}</wp:comment_id>
      <wp:comment_author>{cdata(self.author)}</wp:comment_author>
      <wp:comment_author_email>{escape(self.email)}</wp:comment_author_email>
      <wp:comment_author_url>{escape(self.url)}</wp:comment_author_url>
      <wp:comment_author_IP>192.0.2.1</wp:comment_author_IP>
      <wp:comment_date>{self.date}</wp:comment_date>
      <wp:comment_date_gmt>{self.date_gmt}</wp:comment_date_gmt>
      <wp:comment_content>{cdata(self.text)}</wp:comment_content>
      <wp:comment_approved>{self.approved}</wp:comment_approved>
      <wp:comment_type>{self.type}</wp:comment_type>
      <wp:comment_parent>{self.parent}</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>"""


@dataclass
class WPPost:
    id: int
    title: str | None = "Le tramway arrive"
    slug: str = ""
    status: str = "publish"
    date: str | None = "2024-05-14 10:00:00"
    date_gmt: str | None = "2024-05-14 08:00:00"
    content: str = "Premier paragraphe.\n\nSecond paragraphe."
    excerpt: str = ""
    creator: str = "marie"
    categories: list[tuple[str, str]] = field(default_factory=lambda: [("ville", "Ville")])
    tags: list[tuple[str, str]] = field(default_factory=list)
    comments: list[WPComment] = field(default_factory=list)
    password: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    link: str | None = None
    post_type: str = "post"
    sticky: bool = False
    comment_status: str = "open"
    attachment_url: str = ""

    def xml(self) -> str:
        slug = self.slug
        if not slug and self.title is not None:
            slug = self.title.lower().replace(" ", "-")
        if self.link is not None:
            link = self.link
        elif self.status == "publish" and self.date:
            link = f"{SITE}/{self.date[:4]}/{self.date[5:7]}/{self.date[8:10]}/{slug}/"
        else:
            link = f"{SITE}/?p={self.id}"
        terms = "".join(
            f'\n    <category domain="category" nicename="{s}">{cdata(n)}</category>'
            for s, n in self.categories
        ) + "".join(
            f'\n    <category domain="post_tag" nicename="{s}">{cdata(n)}</category>'
            for s, n in self.tags
        )
        meta = "".join(
            f"\n    <wp:postmeta><wp:meta_key>{k}</wp:meta_key>"
            f"<wp:meta_value>{cdata(v)}</wp:meta_value></wp:postmeta>"
            for k, v in self.meta.items()
        )
        title = "" if self.title is None else f"\n    <title>{escape(self.title)}</title>"
        date = "" if self.date is None else f"\n    <wp:post_date>{self.date}</wp:post_date>"
        date_gmt = (
            ""
            if self.date_gmt is None
            else (f"\n    <wp:post_date_gmt>{self.date_gmt}</wp:post_date_gmt>")
        )
        attachment = (
            f"\n    <wp:attachment_url>{escape(self.attachment_url)}</wp:attachment_url>"
            if self.attachment_url
            else ""
        )
        comments = "".join(c.xml() for c in self.comments)
        return f"""
  <item>{title}
    <link>{escape(link)}</link>
    <pubDate>Tue, 14 May 2024 08:00:00 +0000</pubDate>
    <dc:creator>{cdata(self.creator)}</dc:creator>
    <guid isPermaLink="false">{SITE}/?p={self.id}</guid>
    <description></description>
    <content:encoded>{cdata(self.content)}</content:encoded>
    <excerpt:encoded>{cdata(self.excerpt)}</excerpt:encoded>
    <wp:post_id>{self.id}</wp:post_id>{date}{date_gmt}
    <wp:comment_status>{self.comment_status}</wp:comment_status>
    <wp:ping_status>open</wp:ping_status>
    <wp:post_name>{cdata(slug)}</wp:post_name>
    <wp:status>{self.status}</wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    <wp:post_type>{self.post_type}</wp:post_type>
    <wp:post_password>{cdata(self.password)}</wp:post_password>
    <wp:is_sticky>{int(self.sticky)}</wp:is_sticky>{attachment}{terms}{meta}{comments}
  </item>"""


def attachment(id: int, path: str, *, alt: str = "", caption: str = "") -> WPPost:
    """An attachment item for `wp-content/uploads/<path>`."""
    return WPPost(
        id,
        title=path.rsplit("/", 1)[-1],
        status="inherit",
        post_type="attachment",
        content="",
        excerpt=caption,
        categories=[],
        link=f"{SITE}/?attachment_id={id}",
        attachment_url=f"{SITE}/wp-content/uploads/{path}",
        meta={"_wp_attached_file": path, **({"_wp_attachment_image_alt": alt} if alt else {})},
    )


AUTHORS = [("marie", "Marie Dupont"), ("paul", "Paul Martin")]
CATEGORIES = [("ville", "Ville", ""), ("monde", "Monde", ""), ("europe", "Europe", "monde")]


def export(
    *items: WPPost,
    authors=AUTHORS,
    categories=CATEGORIES,
    tags=(("tram", "Tram"),),
    site: str = SITE,
    language: str = "fr-FR",
) -> str:
    """A whole WXR 1.2 document."""
    author_xml = "".join(
        f"""
  <wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>
    <wp:author_email>{login}@example.org</wp:author_email>
    <wp:author_display_name>{cdata(name)}</wp:author_display_name>
    <wp:author_first_name>{cdata("")}</wp:author_first_name>
    <wp:author_last_name>{cdata("")}</wp:author_last_name></wp:author>"""
        for n, (login, name) in enumerate(authors, start=1)
    )
    category_xml = "".join(
        f"""
  <wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{slug}</wp:category_nicename>
    <wp:category_parent>{parent}</wp:category_parent><wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>"""
        for n, (slug, name, parent) in enumerate(categories, start=10)
    )
    tag_xml = "".join(
        f"""
  <wp:tag><wp:term_id>{n}</wp:term_id><wp:tag_slug>{slug}</wp:tag_slug>
    <wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>"""
        for n, (slug, name) in enumerate(tags, start=100)
    )
    item_xml = "".join(i.xml() for i in items)
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Le Journal du Quartier</title>
  <link>{site}</link>
  <description>Un site de test</description>
  <language>{language}</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{site}</wp:base_site_url>
  <wp:base_blog_url>{site}</wp:base_blog_url>{author_xml}{category_xml}{tag_xml}{item_xml}
</channel>
</rss>
"""


@dataclass
class RSSItem:
    """An item as RSS-style exports write it: no wp:post_id, wp:post_type or wp:status,
    plain `<category>` elements, the post's number only in its guid or link."""

    title: str
    guid: str
    link: str = ""
    categories: list[str] = field(default_factory=list)
    content: str = "<p>Un paragraphe du fil.</p>"
    pub_date: str = "Tue, 14 May 2024 08:00:00 +0000"

    def xml(self) -> str:
        categories = "".join(
            f"\n    <category>{cdata(name)}</category>" for name in self.categories
        )
        return f"""
  <item>
    <title>{escape(self.title)}</title>
    <link>{escape(self.link)}</link>
    <guid>{escape(self.guid)}</guid>
    <pubDate>{self.pub_date}</pubDate>
    <dc:creator>{cdata("marie")}</dc:creator>
    <content:encoded>{cdata(self.content)}</content:encoded>{categories}
  </item>"""
