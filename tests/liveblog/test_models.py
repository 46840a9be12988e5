from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article
from liveblog import coverage, pages, rules
from liveblog.models import LiveBlog, UpdateCorrection
from tests.factories import ArticleFactory
from tests.liveblog.conftest import member, post

pytestmark = pytest.mark.django_db


def test_update_body_is_sanitised_on_save(blog):
    update = post(blog, body='<p onclick="x()">Ships <script>alert(1)</script>sail</p>')
    update.refresh_from_db()
    assert update.body == "<p>Ships sail</p>"


def test_update_permalink_is_an_anchor_on_the_article(blog):
    update = post(blog)
    assert update.get_absolute_url() == f"{blog.article.get_absolute_url()}#update-{update.pk}"


def test_posting_an_update_marks_the_article_changed_without_saving_it(blog):
    article = blog.article
    Article.objects.filter(pk=article.pk).update(modified=timezone.now() - timedelta(days=1))
    post(blog)
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.modified > timezone.now() - timedelta(minutes=1)
    assert fresh.version == article.version


def test_live_means_published_started_and_not_ended(blog):
    assert list(LiveBlog.objects.live()) == [blog]
    blog.coverage_end = timezone.now()
    blog.save()
    assert not LiveBlog.objects.live().exists()
    draft = LiveBlog.objects.create(article=ArticleFactory(status=Article.Status.DRAFT))
    assert draft not in LiveBlog.objects.live()


def test_coverage_cannot_end_before_it_starts(blog):
    blog.coverage_end = blog.coverage_start - timedelta(minutes=1)
    with pytest.raises(IntegrityError):
        blog.save()


def test_future_correction_to_an_update_is_hidden_until_its_time(blog):
    update = post(blog)
    UpdateCorrection.objects.create(update=update, text="Now.")
    UpdateCorrection.objects.create(
        update=update, text="Later.", published_at=timezone.now() + timedelta(hours=1)
    )
    assert [c.text for c in update.shown_corrections] == ["Now."]


def test_roles_decide_who_posts_edits_and_manages_coverage(blog):
    editor = member("Editor", "eve")
    contributor = member("Contributor", "carl")
    feedback = member("Feedback staff", "fay")
    own = ArticleFactory(created_by=contributor)
    own_update = post(blog, created_by=contributor)
    editors_update = post(blog, created_by=editor)

    assert rules.can_post(editor, blog.article) and rules.can_manage_coverage(editor)
    assert not rules.can_post(contributor, blog.article)  # not their article
    assert rules.can_post(contributor, own)
    assert not rules.can_manage_coverage(contributor)
    assert rules.can_change_update(contributor, own_update, "delete")
    assert not rules.can_change_update(contributor, editors_update)
    assert rules.can_change_update(editor, own_update)
    assert not rules.can_post(feedback, blog.article)


def test_one_live_rule_for_the_list_the_blog_and_the_reader_page(blog):

    blog.coverage_end = timezone.now() + timedelta(hours=1)  # ending later: live until then
    blog.save()
    article = Article.objects.get(pk=blog.pk)
    assert list(LiveBlog.objects.live()) == [blog]
    assert blog.is_live and pages.coverage_of(article).is_live
    with time_machine.travel(blog.coverage_end + timedelta(seconds=1)):
        article = Article.objects.get(pk=blog.pk)
        assert not LiveBlog.objects.live().exists()
        assert not blog.is_live and not pages.coverage_of(article).is_live


def test_coverage_ends_and_resumes_once(blog, editor):

    assert coverage.start(blog.article, editor) is False  # already a live blog
    assert coverage.end(blog.pk) is True
    assert coverage.end(blog.pk) is False
    blog.refresh_from_db()
    assert blog.coverage_end is not None and not blog.is_live
    assert coverage.resume(blog.pk) is True
    blog.refresh_from_db()
    assert blog.coverage_end is None and blog.is_live
