"""Count every letter into the statistics' day table again: after a bulk load
(bulk_create sends no signal), a restore, or to check the table against the letters."""

from django.core.management.base import BaseCommand

from interaction.letter_statistics import rebuild


class Command(BaseCommand):
    help = "Rebuild the letter statistics (LetterDayCount) from the letters."

    def add_arguments(self, parser):
        parser.add_argument(
            "--mailbox", type=int, action="append", help="Only this mailbox (page id); repeatable."
        )

    def handle(self, *args, mailbox=None, **options):
        rows = rebuild(mailbox)
        self.stdout.write(f"{rows} day rows written.")
