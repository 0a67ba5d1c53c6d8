import { Module } from '@nestjs/common';
import { BlobCollectionRepository, TileUploadRepository } from '@map-offline/entities';
import { ReplacedBlobCollector } from './replaced-blob.collector';
import { TileUploadConfirmationService } from './tile-upload-confirmation.service';
import { TileUploadRequestService } from './tile-upload-request.service';
import { TileUploadsResolver } from './tile-uploads.resolver';
import { UploadCallPreparer } from './upload-call.preparer';
import { UploadedObjectInspector } from './uploaded-object.inspector';

/** Presigned client tile uploads (requestTileUploads, confirmTileUploads); storage comes from StorageModule. */
@Module({
  providers: [
    TileUploadRepository,
    BlobCollectionRepository,
    UploadCallPreparer,
    UploadedObjectInspector,
    ReplacedBlobCollector,
    TileUploadRequestService,
    TileUploadConfirmationService,
    TileUploadsResolver,
  ],
})
export class UploadsModule {}
