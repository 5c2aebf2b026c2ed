import type { CatalogText } from '../../../../shared/contract/catalog-text';
import type { Send } from '../../../../shared/contract/sends';
import { REJECTED_FILE_STEPS, rejectedFilePlace } from '../../../../shared/contract/rejected-file-place';
import { HostFileLink } from '../../components/host-file-link';
import { useSendTexts } from './use-send-texts';

/**
 * A sentence a service wrote about a send (timeline step, the reason it failed) in the reader's
 * language. A step that points at the send's rejected-rows file shows the file apart: a download
 * (or "Show in folder") on the workstation that wrote it, its name and that workstation elsewhere.
 * `layout` is where it stands: the timeline (its own line in the step's row) or a callout (a paragraph).
 */
export function SendStep(props: { text: CatalogText | null; english: string; origin: Send['origin']; layout: 'timeline' | 'callout' }) {
  const { t, rich, stepNode } = useSendTexts();
  const { text } = props;
  const counts = text ? REJECTED_FILE_STEPS[text.id] : undefined;
  const place = text && counts ? rejectedFilePlace(text.values, props.origin) : null;
  const Block = props.layout === 'timeline' ? 'span' : 'p';
  const className = props.layout === 'timeline' ? 'timeline-message' : undefined;
  if (!text || !counts || !place) return <Block className={className}>{stepNode(text, props.english)}</Block>;
  const sentence = t(counts, text.values);
  if (!place.here) {
    return (
      <Block className={className} data-testid="rejected-file-elsewhere">
        {sentence} {rich('sends.rejectedFile.elsewhere', { file: place.fileName, workstation: place.workstation, code: (c) => <code className="small">{c}</code> })}
      </Block>
    );
  }
  const link = <HostFileLink path={place.path} label={t('sends.rejectedFile.download')} hint={t('sends.rejectedFile.hint')} />;
  if (props.layout === 'callout') {
    return (
      <>
        <p>{sentence}</p>
        {link}
      </>
    );
  }
  // A block, not a span: the download or "Show in folder" below the sentence is a paragraph.
  return (
    <div className={className}>
      <span>{sentence}</span>
      {link}
    </div>
  );
}
