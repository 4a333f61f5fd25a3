"""The newsroom's month names, one set per Arabic-speaking region (settings
NEWSROOM_MONTH_NAMES). Plain data, no Django import: settings.py reads the names of the
sets to check the setting and choose the catalog (locale/months/<set>/) that gives Django's
own dates (the admin's lists, history, calendar widget) the same names."""

MONTH_NAMES = {
    # Syria, Lebanon, Jordan, Palestine, Iraq: the Syriac names.
    "levantine": (
        "كانون الثاني",
        "شباط",
        "آذار",
        "نيسان",
        "أيار",
        "حزيران",
        "تموز",
        "آب",
        "أيلول",
        "تشرين الأول",
        "تشرين الثاني",
        "كانون الأول",
    ),
    # Egypt and Sudan: transliterated, with Egypt's own spellings of April, June and July.
    "egyptian": (
        "يناير",
        "فبراير",
        "مارس",
        "إبريل",
        "مايو",
        "يونيه",
        "يوليه",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
    # The Gulf states: transliterated, as the Gulf's agencies and papers spell them.
    "gulf": (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
}
DEFAULT = "levantine"
