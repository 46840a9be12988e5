"""A demo tip, with a reply from the desk, when the demo key is there (`make run` makes it
with `manage.py tips_demo_key`). Its codename is printed once, so a newcomer can read the
reply on /tips/ and decrypt the tip with the demo private key (docs/tips.md)."""

from tips import desk, pgp, submissions
from tips.models import Tip

DEMO_TIP = (
    "I work at a maintenance depot that services armoured vehicles. Since the spring, "
    "parts ordered for one vehicle type have been signed off as fitted when they never "
    "arrived. I have kept copies of three work orders. I can explain how the sign-off works."
)
DEMO_REPLY = (
    "Thank you for writing to us. Please do not send the work orders from a work device. "
    "Could you tell us roughly how many vehicles are affected, without naming anyone?"
)


def load_tips(stdout=None):
    """(tips created): 1 the first time with a key configured, else 0."""
    try:
        pgp.newsroom_keys()
    except pgp.NoNewsroomKey:
        return {"tips": 0}
    if Tip.objects.exists():
        return {"tips": 0}
    tip, words = submissions.receive_first(DEMO_TIP)
    desk.reply(tip.source, DEMO_REPLY)
    if stdout is not None:
        stdout.write(f"Demo tip's codename (to read the reply on /tips/): {words}")
    return {"tips": 1}
