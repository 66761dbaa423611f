"""Audio decoding/validation and speech transcription.

* :mod:`screening.speech.audio` — recognise, validate and decode uploads; store originals.
* :mod:`screening.speech.transcript` — the :class:`~screening.speech.transcript.Transcript`
  every engine returns.
* :mod:`screening.speech.engines` — transcription engines (faster-whisper, openai-whisper)
  behind one interface, loaded once per process by ``get_engine``.
* :mod:`screening.speech.analysis` — decode → measure → transcribe → score for one sample.

Importing this package loads no model and starts nothing.
"""
