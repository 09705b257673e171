from django.db import migrations


class Migration(migrations.Migration):
    """The budget page models now belong to the budgets app (budgets.0001 took them over):
    they leave the cms app's state; their tables stay."""

    dependencies = [
        ('cms', '0005_article_validity_dates'),
        ('budgets', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='BudgetColumnPage'),
                migrations.DeleteModel(name='DisclosurePage'),
            ],
        ),
    ]
