import { Dialog } from "./Dialog";

export function ImageViewer({ src, alt, onClose }: { src: string; alt: string; onClose: () => void }) {
	return (
		<Dialog title={alt} onClose={onClose} className="image-viewer" hideTitle>
			<img src={src} alt={alt} className="full-image" data-testid="full-image" />
		</Dialog>
	);
}
