from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`make bench` only (installed when NEWSROOM_BENCH_VIEWS is on): the synthetic archive
    (`manage.py generate_dataset`) and the minimal view the pages are measured against."""

    name = "bench"
    verbose_name = "قياس الأداء"
