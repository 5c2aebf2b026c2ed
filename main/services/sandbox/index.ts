/**
 * The embedded sandbox: an emulator of the Optimizely Campaign closed-loop server side
 * (SFTP endpoint, import cron job, response export), so the whole loop runs locally.
 */
export { startSandbox, SUBSCRIBERS_FILE, LOG_HEADER, ERROR_HEADER, HALTED_FILE } from './sandbox';
export type { SandboxOptions, SandboxHandle, SandboxClientInfo, SandboxMailingInfo, ProcessReport, ExportReport, LogEvent } from './sandbox';
export { runSandboxCli } from './cli';
export { validateUpload, UPLOAD_ERROR_CODES } from './validate-upload';
export type { UploadProblem, UploadErrorCode, ValidationInput, ValidationResult } from './validate-upload';
export { RESPONSE_KINDS, RESPONSE_COLUMNS } from './export';
export type { ResponseKind } from './export';
export { SandboxConfig, sandboxPaths } from './config';
