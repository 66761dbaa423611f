"""Customer-service replies used by the grammar tests (written for these tests)."""

CLEAN_REPLY = """Dear Ms. Johnson,

Thank you for contacting us about your recent order. I am sorry to hear that the package \
arrived damaged. I have reviewed your account and arranged for a replacement to be shipped \
today at no additional cost. You should receive a confirmation email with the new tracking \
number within the next hour.

There is no need to return the damaged item; please feel free to recycle it. If the \
replacement does not arrive by Friday, or if anything else is not right, simply reply to this \
message and I will make sure it is resolved quickly.

We appreciate your patience and your business. Have a wonderful day.

Kind regards,
Daniel Carter
Customer Support Team
"""

CLEAN_REPLY_2 = """Hello Mr. Alvarez,

Thank you for reaching out, and I apologize for the confusion with your latest bill. After \
looking into your account, I can see that the late fee was applied in error because your \
payment was received on time. I have removed the charge, and the corrected balance will \
appear on your next statement.

I have also added a note to your account so that this does not happen again. If you would \
like, I can set up automatic payments for you, which would make future billing simpler.

Please let me know if you have any other questions. I am happy to help.

Best regards,
Maria
"""

BAD_REPLY = """Hello,

I understands your frustration about the bill. Their was a mistake in our sistem and the \
late fee were added by accident. I has remove it now so you dont have to pay it. The new \
balance will show in you next statment.

Also i put a note on you're account so this dont happen again. If you wants, i can set up \
auto pay for you so it is more easy for you.

Let me know if you has other question, i am happy to helping you.

Thanks
"""

# A speech-recognizer style transcript: good spoken English, no capitals, little punctuation.
CLEAN_TRANSCRIPT = (
    "thank you for calling customer support my name is sam and i will be happy to help you "
    "today i can see that your order was shipped on monday and it should arrive by thursday "
    "if it does not arrive by then please call us back and we will send a replacement at no "
    "cost to you is there anything else i can help you with today"
)
