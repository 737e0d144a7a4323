"""The email queue (SQS): services put jobs here; the mailer function sends them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from booking.domain.emails import EmailJob
from booking.services.ports import QueueUnavailable

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

SQS_BATCH_LIMIT = 10


class SqsEmailQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    def send(self, jobs: Sequence[EmailJob]) -> None:
        for start in range(0, len(jobs), SQS_BATCH_LIMIT):
            batch = jobs[start : start + SQS_BATCH_LIMIT]
            try:
                answer = self._client.send_message_batch(
                    QueueUrl=self._url,
                    Entries=[
                        {"Id": str(position), "MessageBody": job.model_dump_json()}
                        for position, job in enumerate(batch)
                    ],
                )
            except (BotoCoreError, ClientError) as exc:
                raise QueueUnavailable(f"could not queue {len(batch)} email jobs") from exc
            if answer.get("Failed"):
                failed = [batch[int(entry["Id"])].job_id for entry in answer["Failed"]]
                raise QueueUnavailable(f"could not queue email jobs {failed}")
